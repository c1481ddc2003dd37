// AWS Lambda: this file is the whole handler. The function directories come from
// SERVAL_FUNCTION_DIRS, which `serval sls` writes into serverless.yml next to it:
//   serval sls examples --out examples/lambda/serverless.yml --service serval-examples
// Importing it only defines `handler` (the app is built on the first event), so
// `npm start`, which imports every file under examples/, is unaffected.
export { handler } from 'serval/lambda'
