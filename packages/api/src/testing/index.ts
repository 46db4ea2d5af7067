export { buildFixture, callerAs, callerWithToken, roles, type Fixture, type FixtureProduct } from "./fixture";
export { availableOf, stockSnapshot } from "./snapshot";
export { closeFixtureStore, openFixtureStore, type FixtureStore } from "./fixture-store";
