import { testExample } from '../common/example-tests.js';
import { startServer } from './server.js';

testExample('hono', startServer);
