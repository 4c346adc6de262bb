// Template: lowercase strings through encodeShift/decodeShift for JavaScript-50; make.mjs appends fixed/'s results.
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unused-vars -- a template: make.mjs appends the tests that use CASES */
const { decodeShift, encodeShift } = require('./solution.js');

const CASES = {
  'decode undoes encode, alphabet': () => decodeShift(encodeShift('abcdefghijklmnopqrstuvwxyz')),
  'decode undoes encode, word': () => decodeShift(encodeShift('zebra')),
  'decode undoes encode, empty': () => decodeShift(encodeShift('')),
  'decode of wrapped letters': () => decodeShift('abcde'),
  'decode of a word': () => decodeShift('mjqqt'),
  'encode of a word': () => encodeShift('hello'),
  'encode of wrapped letters': () => encodeShift('vwxyz'),
};
