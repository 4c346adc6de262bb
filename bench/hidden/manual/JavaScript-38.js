// Template: strings through encodeCyclic/decodeCyclic for JavaScript-38; make.mjs appends fixed/'s results.
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unused-vars -- a template: make.mjs appends the tests that use CASES */
const { decodeCyclic, encodeCyclic } = require('./solution.js');

const CASES = {
  'decode undoes encode, 7 chars': () => decodeCyclic(encodeCyclic('abcdefg')),
  'decode undoes encode, 9 chars': () => decodeCyclic(encodeCyclic('loopwise!')),
  'decode undoes encode, 2 chars': () => decodeCyclic(encodeCyclic('xy')),
  'decode undoes encode, empty': () => decodeCyclic(encodeCyclic('')),
  'decode of a 6 char string': () => decodeCyclic('bcaefd'),
  'decode of a 5 char string': () => decodeCyclic('bcade'),
  'encode of a 6 char string': () => encodeCyclic('abcdef'),
  'encode of a 4 char string': () => encodeCyclic('wxyz'),
};
