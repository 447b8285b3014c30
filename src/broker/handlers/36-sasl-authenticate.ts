// SaslAuthenticate v0-2, on broker and controller listeners. As with
// SaslHandshake, a PLAINTEXT connection is already authenticated, so Kafka's
// answer applies: ILLEGAL_SASL_STATE, "SaslAuthenticate request received
// after successful authentication".

import {ErrorCode} from '../../protocol/errors.js'
import {EMPTY_BYTES} from '../../protocol/primitives.js'
import {defineHandler} from '../registry.js'

export default defineHandler('SaslAuthenticate', {
  minVersion: 0,
  maxVersion: 2,
  listeners: ['broker', 'controller'],
  handle: () => ({
    errorCode: ErrorCode.ILLEGAL_SASL_STATE,
    errorMessage: 'SaslAuthenticate request received after successful authentication',
    authBytes: EMPTY_BYTES,
    sessionLifetimeMs: 0n,
  }),
})
