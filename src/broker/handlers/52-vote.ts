// Vote v0-1 (controller listener only): a candidate for the next epoch of the metadata quorum
// asks this voter for its vote. Granted once per epoch, to a candidate whose log is at least as
// up to date as this voter's (see controller/raft/raft-client.ts); a stale epoch gets
// FENCED_LEADER_EPOCH, another cluster INCONSISTENT_CLUSTER_ID, anything but
// __cluster_metadata-0 INVALID_REQUEST.

import {defineHandler} from '../registry.js'

export default defineHandler('Vote', {
  minVersion: 0,
  maxVersion: 1,
  listeners: ['controller'],
  handle(request, ctx) {
    return ctx.broker.controller.raft.handleVote(request, ctx.apiVersion)
  },
})
