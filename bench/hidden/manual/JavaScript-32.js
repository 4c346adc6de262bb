// Template: coefficient lists (even length, as findZero promises) for JavaScript-32; make.mjs appends
// fixed/'s results. findZero's own value is compared loosely, poly's exactly.
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unused-vars -- a template: make.mjs appends the tests that use CASES */
const { findZero, poly } = require('./solution.js');

const residual = (xs) => Math.abs(poly(xs, findZero(xs))) < 1e-4;

const CASES = {
  'root of x + 1': () => residual([1, 1]),
  'root of 2x - 6': () => residual([-6, 2]),
  'root of x^3 - 8': () => residual([-8, 0, 0, 1]),
  'root of a cubic with three roots': () => residual([-6, 11, -6, 1]),
  'root of a quintic': () => residual([3, -2, 5, -7, 1, 4]),
  'root of 2x - 6, value': () => Math.round(findZero([-6, 2]) * 1e6) / 1e6,
  'root of x^3 - 8, value': () => Math.round(findZero([-8, 0, 0, 1]) * 1e6) / 1e6,
  'poly at 2': () => poly([1, 2, 3], 2),
  'poly at -1': () => poly([4, -3, 0, 2], -1),
  'poly of a constant': () => poly([5], 10),
};
