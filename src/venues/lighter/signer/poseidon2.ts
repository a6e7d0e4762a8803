import { ELEMENT_BYTES, P, readUint64LE } from "./goldilocks.js";
import type { Fp5 } from "./gfp5.js";

/**
 * Poseidon2 over Goldilocks, width 12, rate 8, x^7 S-box, 8 full + 22 partial rounds: the hash of
 * every Lighter message. Constants transcribed from elliottech/poseidon_crypto
 * `hash/poseidon2_goldilocks_plonky2/config.go` (identical in its gnark twin `poseidon2_goldilocks`,
 * which lighter-go uses for the auth token; the two variants compute the same function).
 */

const WIDTH = 12;
const RATE = 8;
const HALF_FULL_ROUNDS = 4;

/** Round constants added to every lane in the full rounds (round-major). */
const EXTERNAL_ROUND_CONSTANTS: readonly (readonly bigint[])[] = [
  [
    15492826721047263190n,
    11728330187201910315n,
    8836021247773420868n,
    16777404051263952451n,
    5510875212538051896n,
    6173089941271892285n,
    2927757366422211339n,
    10340958981325008808n,
    8541987352684552425n,
    9739599543776434497n,
    15073950188101532019n,
    12084856431752384512n,
  ],
  [
    4584713381960671270n,
    8807052963476652830n,
    54136601502601741n,
    4872702333905478703n,
    5551030319979516287n,
    12889366755535460989n,
    16329242193178844328n,
    412018088475211848n,
    10505784623379650541n,
    9758812378619434837n,
    7421979329386275117n,
    375240370024755551n,
  ],
  [
    3331431125640721931n,
    15684937309956309981n,
    578521833432107983n,
    14379242000670861838n,
    17922409828154900976n,
    8153494278429192257n,
    15904673920630731971n,
    11217863998460634216n,
    3301540195510742136n,
    9937973023749922003n,
    3059102938155026419n,
    1895288289490976132n,
  ],
  [
    5580912693628927540n,
    10064804080494788323n,
    9582481583369602410n,
    10186259561546797986n,
    247426333829703916n,
    13193193905461376067n,
    6386232593701758044n,
    17954717245501896472n,
    1531720443376282699n,
    2455761864255501970n,
    11234429217864304495n,
    4746959618548874102n,
  ],
  [
    13571697342473846203n,
    17477857865056504753n,
    15963032953523553760n,
    16033593225279635898n,
    14252634232868282405n,
    8219748254835277737n,
    7459165569491914711n,
    15855939513193752003n,
    16788866461340278896n,
    7102224659693946577n,
    3024718005636976471n,
    13695468978618890430n,
  ],
  [
    8214202050877825436n,
    2670727992739346204n,
    16259532062589659211n,
    11869922396257088411n,
    3179482916972760137n,
    13525476046633427808n,
    3217337278042947412n,
    14494689598654046340n,
    15837379330312175383n,
    8029037639801151344n,
    2153456285263517937n,
    8301106462311849241n,
  ],
  [
    13294194396455217955n,
    17394768489610594315n,
    12847609130464867455n,
    14015739446356528640n,
    5879251655839607853n,
    9747000124977436185n,
    8950393546890284269n,
    10765765936405694368n,
    14695323910334139959n,
    16366254691123000864n,
    15292774414889043182n,
    10910394433429313384n,
  ],
  [
    17253424460214596184n,
    3442854447664030446n,
    3005570425335613727n,
    10859158614900201063n,
    9763230642109343539n,
    6647722546511515039n,
    909012944955815706n,
    18101204076790399111n,
    11588128829349125809n,
    15863878496612806566n,
    5201119062417750399n,
    176665553780565743n,
  ],
];

/** Round constants added to lane 0 in the partial rounds. */
const INTERNAL_ROUND_CONSTANTS: readonly bigint[] = [
  11921381764981422944n,
  10318423381711320787n,
  8291411502347000766n,
  229948027109387563n,
  9152521390190983261n,
  7129306032690285515n,
  15395989607365232011n,
  8641397269074305925n,
  17256848792241043600n,
  6046475228902245682n,
  12041608676381094092n,
  12785542378683951657n,
  14546032085337914034n,
  3304199118235116851n,
  16499627707072547655n,
  10386478025625759321n,
  13475579315436919170n,
  16042710511297532028n,
  1411266850385657080n,
  9024840976168649958n,
  14047056970978379368n,
  838728605080212101n,
];

/** Diagonal of the internal matrix, taken by poseidon_crypto from Plonky3's Goldilocks Poseidon2. */
const INTERNAL_DIAGONAL: readonly bigint[] = [
  0xc3b6c08e23ba9300n,
  0xd84b5de94a324fb6n,
  0x0d0c371c5b35b84fn,
  0x7964f570e7188037n,
  0x5daf18bbd996604bn,
  0x6743bc47b9595257n,
  0x5528b9362c59bb70n,
  0xac45e25b7127b68bn,
  0xa2077d7dfbb606b5n,
  0xf3faac6faee378aen,
  0x0c6388b51545e883n,
  0xd27dbb6944917b60n,
];

/**
 * The external (full-round) linear layer: the 4×4 circulant-like block M4 on each group of four
 * lanes, then every lane gains the sum of the lanes in the same position of the other groups.
 * Sums stay unreduced bigints until the end, one division per lane.
 */
function externalLinearLayer(s: bigint[]): void {
  for (let i = 0; i < WIDTH; i += 4) {
    const [x0, x1, x2, x3] = [s[i]!, s[i + 1]!, s[i + 2]!, s[i + 3]!];
    const t01 = x0 + x1;
    const t23 = x2 + x3;
    const t0123 = t01 + t23;
    s[i] = t0123 + t01 + x1;
    s[i + 1] = t0123 + x1 + 2n * x2;
    s[i + 2] = t0123 + t23 + x3;
    s[i + 3] = t0123 + x3 + 2n * x0;
  }
  for (let k = 0; k < 4; k++) {
    const column = s[k]! + s[k + 4]! + s[k + 8]!;
    for (let i = k; i < WIDTH; i += 4) s[i] = (s[i]! + column) % P;
  }
}

/** The internal (partial-round) linear layer: diag(INTERNAL_DIAGONAL) + the all-ones matrix. */
function internalLinearLayer(s: bigint[]): void {
  let sum = 0n;
  for (const lane of s) sum += lane;
  for (let i = 0; i < WIDTH; i++) s[i] = (s[i]! * INTERNAL_DIAGONAL[i]! + sum) % P;
}

function sbox(x: bigint): bigint {
  const x2 = (x * x) % P;
  const x3 = (x2 * x) % P;
  const x6 = (x3 * x3) % P;
  return (x6 * x) % P;
}

function fullRound(s: bigint[], round: number): void {
  const constants = EXTERNAL_ROUND_CONSTANTS[round]!;
  for (let i = 0; i < WIDTH; i++) s[i] = sbox((s[i]! + constants[i]!) % P);
  externalLinearLayer(s);
}

function partialRound(s: bigint[], round: number): void {
  s[0] = sbox((s[0]! + INTERNAL_ROUND_CONSTANTS[round]!) % P);
  internalLinearLayer(s);
}

/** The Poseidon2 permutation, in place, on 12 canonical lanes. */
export function permute(state: bigint[]): void {
  if (state.length !== WIDTH) throw new Error(`Poseidon2 state must have ${WIDTH} lanes`);
  externalLinearLayer(state);
  for (let r = 0; r < HALF_FULL_ROUNDS; r++) fullRound(state, r);
  for (let r = 0; r < INTERNAL_ROUND_CONSTANTS.length; r++) partialRound(state, r);
  for (let r = HALF_FULL_ROUNDS; r < 2 * HALF_FULL_ROUNDS; r++) fullRound(state, r);
}

/**
 * Go's `HashNToMNoPad`: a sponge that OVERWRITES (not adds) the first lanes with each 8-element
 * chunk and permutes; a short last chunk leaves the remaining rate lanes as they were. No padding,
 * so inputs of different lengths can collide by design; every Lighter caller hashes fixed layouts.
 */
export function hashNoPad(elements: readonly bigint[], outputs: number): bigint[] {
  const state: bigint[] = new Array<bigint>(WIDTH).fill(0n);
  for (let i = 0; i < elements.length; i += RATE) {
    for (let j = 0; j < RATE && i + j < elements.length; j++) {
      const e = elements[i + j]!;
      if (e < 0n || e >= P) throw new Error("Poseidon2 input must be canonical field elements");
      state[j] = e;
    }
    permute(state);
  }
  const out: bigint[] = [];
  for (;;) {
    for (let i = 0; i < RATE; i++) {
      out.push(state[i]!);
      if (out.length === outputs) return out;
    }
    permute(state);
  }
}

/** Go's `HashToQuinticExtension`: the first five squeezed lanes read as one GF(p^5) element. */
export function hashToQuinticExtension(elements: readonly bigint[]): Fp5 {
  const [c0, c1, c2, c3, c4] = hashNoPad(elements, 5);
  return [c0!, c1!, c2!, c3!, c4!];
}

/**
 * Bytes packed 8 per element, little-endian, the last chunk zero-padded (Go's
 * `ArrayFromCanonicalLittleEndianBytes`), as the auth token does with its UTF-8 text. Throws when
 * a chunk is not below p, as Go would (never for text: its bytes are below 0x80).
 */
export function bytesToElements(bytes: Uint8Array): bigint[] {
  const padded = new Uint8Array(Math.ceil(bytes.length / ELEMENT_BYTES) * ELEMENT_BYTES);
  padded.set(bytes);
  const out: bigint[] = [];
  for (let i = 0; i < padded.length; i += ELEMENT_BYTES) {
    const e = readUint64LE(padded, i);
    if (e >= P) throw new Error("byte chunk is not a canonical Goldilocks element");
    out.push(e);
  }
  return out;
}
