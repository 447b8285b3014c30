// EndQuorumEpoch v0-1 (controller listener only): the leader of the metadata quorum resigns
// (it is shutting down); the first of its preferred successors starts an election at once, the
// others shortly after, instead of waiting for the fetch timeout.

import {defineHandler} from '../registry.js'

export default defineHandler('EndQuorumEpoch', {
  minVersion: 0,
  maxVersion: 1,
  listeners: ['controller'],
  handle(request, ctx) {
    return ctx.broker.controller.raft.handleEndQuorumEpoch(request, ctx.apiVersion)
  },
})
