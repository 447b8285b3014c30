// ApiVersions v0-4, on broker and controller listeners. Lists every API this
// broker serves on the listener the request came in on, with the version
// range of its handler (so it never advertises what it cannot answer), plus
// the supported and finalized features (v3+; before v4, features whose
// minimum is 0 are left out, per KAFKA-17011). v3+ requests must name the
// client software in Kafka's pattern, else INVALID_REQUEST. Versions beyond
// v4 never reach this handler: the request processor answers them with the
// v0 UNSUPPORTED_VERSION reply Kafka sends.

import {ErrorCode} from '../../protocol/errors.js'
import {defineHandler} from '../registry.js'

/** KIP-511's pattern for ClientSoftwareName and ClientSoftwareVersion. */
const SOFTWARE_NAME_VERSION = /^[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?$/

export default defineHandler('ApiVersions', {
  minVersion: 0,
  maxVersion: 4,
  listeners: ['broker', 'controller'],
  handle(request, ctx) {
    const base = {throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false}
    if (ctx.apiVersion >= 3) {
      if (!SOFTWARE_NAME_VERSION.test(request.clientSoftwareName) || !SOFTWARE_NAME_VERSION.test(request.clientSoftwareVersion)) {
        return {...base, errorCode: ErrorCode.INVALID_REQUEST, apiKeys: []}
      }
      ctx.connection.clientSoftwareName = request.clientSoftwareName
      ctx.connection.clientSoftwareVersion = request.clientSoftwareVersion
    }
    const state = ctx.broker.state
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      apiKeys: ctx.broker.registry.apiVersions(ctx.listenerType),
      supportedFeatures: state
        .supportedFeatures()
        .filter((f) => ctx.apiVersion >= 4 || f.minVersion > 0)
        .map((f) => ({name: f.name, minVersion: f.minVersion, maxVersion: f.maxVersion})),
      finalizedFeaturesEpoch: state.featuresEpoch,
      finalizedFeatures: state.finalizedFeatures().map((f) => ({name: f.name, maxVersionLevel: f.level, minVersionLevel: f.level})),
    }
  },
})
