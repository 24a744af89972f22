/**
 * RealCall's SIP test tool as a library, for the Asterisk integration tests:
 * register, answer, call, try forgeries and load a PBX over SIP-over-
 * WebSocket with sip.js in Node. Every function bounds its network waits
 * and closes what it opened; none reads the environment.
 *
 *   const { account, expected } = await accountFromApi(api, login, password);
 *   const agent = await startAgent(callee, { answer: 'accept', holdMs: 1000 });
 *   const call = await placeCall(account, callee.user, { timeoutMs: 5000, hangupAfterMs: 500 });
 *   const seen = await agent.nextCall(5000); // seen.displayName, seen.nameStatus …
 *   await agent.stop();
 */
export { accountFromApi, NAME_STATUSES, type Expected, type NameStatus, type SipAccount } from './account';
export {
  startAgent,
  NAME_STATUS_HEADER,
  type Agent,
  type AgentOptions,
  type CallRequest,
  type IncomingCall,
} from './agent';
export { runLoad, percentiles, type LoadKind, type LoadOptions, type LoadResult, type Percentiles } from './load';
export { placeCall, CALL_OUTCOMES, type CallOutcome, type CallResult, type PlaceCallOptions } from './place-call';
export { register, type RegisterOptions, type RegisterResult } from './register';
export {
  runMidCallForgeries,
  runSpoofMatrix,
  MID_CALL_TECHNIQUES,
  TECHNIQUES,
  type MidCallRow,
  type SpoofOptions,
  type SpoofRow,
} from './spoof';
