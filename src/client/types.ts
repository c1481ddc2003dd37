import type { ACTION_BRAND } from '../action/types.ts'
import type { CallOptions, JobHandle } from './wire.ts'

export type { CallOptions, ClientJobView, ClientOptions, ClientProblem, JobHandle, ResultOptions } from './wire.ts'

/** The input and output an action carries (its phantom `~types`), or never for anything else. */
type TypesOf<A> = A extends { readonly [ACTION_BRAND]: true; readonly '~types'?: infer T } ? NonNullable<T> : never
type InputOf<A> = TypesOf<A> extends { readonly input: infer I } ? I : never
type OutputOf<A> = TypesOf<A> extends { readonly output: infer O } ? O : never

/** The arguments of a call: the input may be left out when the action accepts `undefined`. */
type Args<In, Opts> = undefined extends In ? [input?: In, options?: Opts] : [input: In, options?: Opts]

/** One action's client function: a promise of its output, or an async iterable of a stream's items. */
export type ClientCall<A> =
  OutputOf<A> extends AsyncIterable<infer Item>
    ? (...args: Args<InputOf<A>, CallOptions>) => AsyncIterable<Item>
    : (...args: Args<InputOf<A>, CallOptions>) => Promise<OutputOf<A>>

/** The export names of a module namespace that are actions. */
export type ActionNames<M> = { [K in keyof M]: K extends string ? ([TypesOf<M[K]>] extends [never] ? never : K) : never }[keyof M]

/**
 * The typed client of a module namespace of actions (`typeof import('./actions/index.ts')`):
 * one function per exported action (other exports are ignored), and `jobs` to run them in the background.
 */
export type Client<M> = { readonly [K in ActionNames<M>]: ClientCall<M[K]> } & {
  readonly jobs: { readonly [K in ActionNames<M>]: (...args: Args<InputOf<M[K]>, CallOptions>) => Promise<JobHandle<OutputOf<M[K]>>> }
}
