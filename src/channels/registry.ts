import { ServalError } from '../errors/index.ts'
import type { AnyChannel, ChannelKind, ChannelSource } from './types.ts'

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/

/**
 * A channel with its final name and where it came from.
 *
 * @example
 * ```ts
 * nameChannels(sources)[0] // { name: 'messenger', kind: 'websocket', … }
 * ```
 */
export interface NamedChannel {
  readonly name: string
  readonly kind: ChannelKind
  readonly channel: AnyChannel
  readonly file: string | undefined
  readonly exportName: string
}

/**
 * Names and checks channels: a name is letters, digits, `_` and `-`, and
 * unique among channels; a duplicate fails at startup naming both files.
 *
 * @example
 * ```ts
 * nameChannels([{ channel: messenger, exportName: 'messenger', file: 'chat.ts' }])[0].name // 'messenger'
 * ```
 */
export function nameChannels(sources: readonly ChannelSource[]): NamedChannel[] {
  const seen = new Map<string, ChannelSource>()
  return sources.map((source) => {
    const name = source.channel.name ?? source.exportName
    if (!NAME.test(name)) {
      throw new ServalError('bad-request', { title: 'Invalid channel name', detail: `Channel name "${name}"${where(source)} must start with a letter or _ and hold only letters, digits, _ and -` })
    }
    const clash = seen.get(name)
    if (clash) {
      throw new ServalError('conflict', {
        title: 'Duplicate channel name',
        detail: `Duplicate channel name "${name}": defined in ${clash.file ?? '(inline)'} as ${clash.exportName} and in ${source.file ?? '(inline)'} as ${source.exportName}`,
      })
    }
    seen.set(name, source)
    return { name, kind: source.channel.kind, channel: source.channel, file: source.file, exportName: source.exportName }
  })
}

function where(source: ChannelSource): string {
  return source.file ? ` (in ${source.file})` : ''
}
