import {Args} from '@oclif/core'

import {TopicsBase} from '../../src/cli/topics-base.js'
import {topicOptionFlags} from '../../src/cli/topics-flags.js'

export default class TopicsDelete extends TopicsBase {
  static override summary = 'Delete topics (kafka-topics.sh --delete).'

  static override description = 'Takes the same options as tskafka topics --delete; the topic may also be given as the first argument.'

  static override examples = ['<%= config.bin %> topics delete orders', '<%= config.bin %> topics delete --topic "tmp-.*" --if-exists']

  static override args = {
    topic: Args.string({description: 'the topic (same as --topic)', required: false}),
  }

  static override flags = topicOptionFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(TopicsDelete)
    await this.runTopicAction('delete', flags, args.topic)
  }
}
