import {Args} from '@oclif/core'

import {TopicsBase} from '../../src/cli/topics-base.js'
import {topicOptionFlags} from '../../src/cli/topics-flags.js'

export default class TopicsCreate extends TopicsBase {
  static override summary = 'Create a topic (kafka-topics.sh --create).'

  static override description = 'Takes the same options as tskafka topics --create; the topic may also be given as the first argument.'

  static override examples = ['<%= config.bin %> topics create orders --partitions 3 --replication-factor 1', '<%= config.bin %> topics create --topic orders --config cleanup.policy=compact --if-not-exists']

  static override args = {
    topic: Args.string({description: 'the topic (same as --topic)', required: false}),
  }

  static override flags = topicOptionFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(TopicsCreate)
    await this.runTopicAction('create', flags, args.topic)
  }
}
