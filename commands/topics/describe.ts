import {Args} from '@oclif/core'

import {TopicsBase} from '../../src/cli/topics-base.js'
import {topicOptionFlags} from '../../src/cli/topics-flags.js'

export default class TopicsDescribe extends TopicsBase {
  static override summary = 'Describe topics (kafka-topics.sh --describe).'

  static override description = 'Takes the same options as tskafka topics --describe; the topic may also be given as the first argument.'

  static override examples = ['<%= config.bin %> topics describe orders', '<%= config.bin %> topics describe --under-min-isr-partitions', '<%= config.bin %> topics describe orders --output table']

  static override args = {
    topic: Args.string({description: 'the topic (same as --topic)', required: false}),
  }

  static override flags = topicOptionFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(TopicsDescribe)
    await this.runTopicAction('describe', flags, args.topic)
  }
}
