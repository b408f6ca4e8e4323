import { testExample } from '../common/example-tests.js';
import { startServer } from './server.js';

testExample('fastify', startServer);
