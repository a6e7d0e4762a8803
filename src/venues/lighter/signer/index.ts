/**
 * Lighter's transaction signer in pure TypeScript (Schnorr over ECgFp5, Poseidon2 over Goldilocks),
 * checked against the official Go-WASM signer's outputs. See signer.ts for the contract.
 */
export { CANCEL_ALL_TIME_IN_FORCE, createSigner, MARGIN_MODE, ORDER_TYPE, publicKeyOf, TIME_IN_FORCE, verifyAuthToken, verifyTx } from "./signer.js";
export type { CancelAllOrdersInput, CancelOrderInput, CreateOrderInput, ModifyOrderInput, SignedTx, Signer, SignerOptions, TxAttributes, UpdateLeverageInput } from "./signer.js";
export { TX_TYPE } from "./tx-hash.js";
export type { TxType } from "./tx-hash.js";
