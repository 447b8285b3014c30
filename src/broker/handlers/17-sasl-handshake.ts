// SaslHandshake v0-1, on broker and controller listeners. Every listener is
// PLAINTEXT for now, so a connection is authenticated (as User:ANONYMOUS)
// before its first request, and a handshake can only come too late: like
// Kafka, answer ILLEGAL_SASL_STATE, so a client configured for SASL against a
// PLAINTEXT listener fails with a clear error instead of hanging. SASL
// listeners will authenticate in the connection before requests reach here.

import {ErrorCode} from '../../protocol/errors.js'
import {defineHandler} from '../registry.js'

export default defineHandler('SaslHandshake', {
  minVersion: 0,
  maxVersion: 1,
  listeners: ['broker', 'controller'],
  handle: () => ({errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: []}),
})
