/**
 * exp(x) for x ≤ 0, the only transcendental function the sampler needs, computed with + − × and
 * floor only (operations IEEE 754 rounds identically everywhere, in JS and in WebAssembly), so the
 * pure-JS and WASM engines get the same bits and therefore take the same random decisions.
 * `Math.exp` would not do: it is not correctly rounded and differs between engines and platforms.
 * Accuracy: within 2 ulp of exp(x) (checked against Math.exp in the tests).
 *
 * Method: x = (k/64)·ln2 + r with |r| ≤ ln2/128, exp(x) = 2^(k>>6) · 2^((k&63)/64) · exp(r), the
 * middle factor from a 64-entry table and exp(r) from its degree-5 Taylor polynomial (truncation
 * error below 4e-17). Below −708 the result is 0: the sampler only uses exp for weights relative to
 * a sum ≥ 1, and a weight under e^−708 is below the 2^−53 resolution of its uniform draws.
 * assembly/sampler.ts has the same function step for step, reading this table from linear memory.
 */

/** 2^(j/64) for j = 0..63, each the double nearest to the exact value (verified by a test with decimal.js). */
export const EXP2_TABLE = Float64Array.of(
  1,
  1.0108892860517005,
  1.0218971486541166,
  1.0330248790212284,
  1.0442737824274138,
  1.0556451783605572,
  1.0671404006768237,
  1.0787607977571199,
  1.0905077326652577,
  1.102382583307841,
  1.1143867425958924,
  1.1265216186082418,
  1.1387886347566916,
  1.1511892299529827,
  1.1637248587775775,
  1.1763969916502812,
  1.189207115002721,
  1.202156731452703,
  1.215247359980469,
  1.22848053610687,
  1.241857812073484,
  1.255380757024691,
  1.2690509571917332,
  1.2828700160787783,
  1.2968395546510096,
  1.3109612115247644,
  1.3252366431597413,
  1.339667524053303,
  1.3542555469368927,
  1.3690024229745905,
  1.383909881963832,
  1.3989796725383112,
  1.4142135623730951,
  1.42961333839197,
  1.4451808069770467,
  1.460917794180647,
  1.4768261459394993,
  1.4929077282912648,
  1.5091644275934228,
  1.5255981507445384,
  1.5422108254079407,
  1.559004400237837,
  1.5759808451078865,
  1.593142151342267,
  1.6104903319492543,
  1.6280274218573478,
  1.645755478153965,
  1.6636765803267364,
  1.681792830507429,
  1.7001063537185235,
  1.718619298122478,
  1.7373338352737062,
  1.7562521603732995,
  1.7753764925265212,
  1.7947090750031072,
  1.8142521755003989,
  1.8340080864093424,
  1.8539791250833855,
  1.8741676341103,
  1.8945759815869656,
  1.9152065613971474,
  1.9360617934922943,
  1.9571441241754002,
  1.978456026387951,
);

/** 64/ln2, and ln2/64 split so that k·HI is exact for |k| < 2^21 (HI has 32 significant bits). */
const INV_LN2_64 = 92.33248261689366;
const LN2_64_HI = 0.01083042469326756;
const LN2_64_LO = 2.9815858269852933e-12;
/** Taylor coefficients 1/3!, 1/4!, 1/5! as doubles. */
const C3 = 0.16666666666666666;
const C4 = 0.041666666666666664;
const C5 = 0.008333333333333333;
/** Below this, expNeg returns 0. */
const EXP_NEG_MIN = -708;

/** 2^-i for i = 0..1022 (exact). */
const POW2_NEG = new Float64Array(1023);
POW2_NEG[0] = 1;
for (let i = 1; i < 1023; i++) POW2_NEG[i] = POW2_NEG[i - 1]! * 0.5;

/** exp(x) for x ≤ 0 (see the module comment); identical bits to the kernel's `expNeg`. */
export function expNeg(x: number): number {
  if (x < EXP_NEG_MIN) return 0;
  const kf = Math.floor(x * INV_LN2_64 + 0.5);
  const k = kf | 0;
  const r = x - kf * LN2_64_HI - kf * LN2_64_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (C3 + r * (C4 + r * C5))));
  return EXP2_TABLE[k & 63]! * POW2_NEG[-(k >> 6)]! * p;
}
