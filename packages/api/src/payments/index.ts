export {
  PaymentProviderError,
  type AuthorizeRequest,
  type AuthorizeResult,
  type CaptureResult,
  type PaymentProvider,
  type PaymentProviderErrorKind,
  type TenderMethod,
} from "./provider";
export {
  SimulatedTerminal,
  TEST_INSTRUMENTS,
  type InjectedFailure,
  type SimulatedAuthorization,
  type SimulatedOperation,
  type SimulatedTerminalOptions,
} from "./simulated-terminal";
