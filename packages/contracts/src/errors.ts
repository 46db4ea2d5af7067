export type ContractErrorCode =
  | "INVALID_STORE_CODE"
  | "INVALID_DEVICE_ID"
  | "INVALID_PAYLOAD"
  | "INVALID_DEFINITION"
  | "DUPLICATE_MODEL"
  | "UNKNOWN_MODEL"
  | "INVALID_OPTION";

/**
 * A caller of this package broke the contract (built a topic from a bad id, encoded an invalid
 * payload, declared an inconsistent device model). Input from the network is never thrown at:
 * parsing and decoding return rejections instead.
 */
export class ContractError extends Error {
  override readonly name = "ContractError";

  constructor(
    readonly code: ContractErrorCode,
    message: string,
  ) {
    super(message);
  }
}
