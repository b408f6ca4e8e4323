// Express 4 is installed under the alias `express4` to run the adapter tests against both
// major versions. Its calls used here are the same as Express 5's, so the v5 types serve.
declare module 'express4' {
  import express from 'express';
  export default express;
}
