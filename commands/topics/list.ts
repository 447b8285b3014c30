import {Args} from '@oclif/core'

import {TopicsBase} from '../../src/cli/topics-base.js'
import {topicOptionFlags} from '../../src/cli/topics-flags.js'

export default class TopicsList extends TopicsBase {
  static override summary = 'List topics (kafka-topics.sh --list).'

  static override description = 'Takes the same options as tskafka topics --list; the topic may also be given as the first argument.'

  static override examples = ['<%= config.bin %> topics list', '<%= config.bin %> topics list --topic "orders.*" --exclude-internal --json']

  static override args = {
    topic: Args.string({description: 'the topic (same as --topic)', required: false}),
  }

  static override flags = topicOptionFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(TopicsList)
    await this.runTopicAction('list', flags, args.topic)
  }
}
