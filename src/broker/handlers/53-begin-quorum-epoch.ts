// BeginQuorumEpoch v0-1 (controller listener only): a newly elected leader of the metadata
// quorum announces its epoch; this voter follows it (and starts fetching from it) unless it
// already knows a newer epoch (FENCED_LEADER_EPOCH).

import {defineHandler} from '../registry.js'

export default defineHandler('BeginQuorumEpoch', {
  minVersion: 0,
  maxVersion: 1,
  listeners: ['controller'],
  handle(request, ctx) {
    return ctx.broker.controller.raft.handleBeginQuorumEpoch(request)
  },
})
