import type { Registry } from 'prom-client'

// prom-client hashes the label set on every inc() and observe() (~1 µs
// each, more than the rest of a small request's metrics path). These keep
// plain counts keyed once per label set and hand prom-client the values
// only when it renders a scrape; the registry formats them as its own.

/** What prom-client's registry reads from a metric when it renders a scrape. */
interface Rendered {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'histogram'
  readonly aggregator: 'sum'
  readonly values: { readonly labels: Record<string, string | number>; readonly value: number; readonly metricName?: string }[]
}

/** One label set's count. */
interface Count<L extends string> {
  readonly labels: Record<L, string>
  value: number
}

/**
 * A counter whose label sets are counted in Maps nested by label value:
 * `inc` is one lookup per label and an add, with no key string to build
 * and hash (label values are mostly the same few strings, hashed once).
 */
export class FastCounter<L extends string> {
  readonly name: string
  readonly help: string
  readonly type = 'counter' as const
  readonly aggregator = 'sum' as const
  readonly #labelNames: readonly L[]
  readonly #root = new Map<string, unknown>()
  readonly #counts: Count<L>[] = []

  constructor(options: { name: string; help: string; labelNames: readonly L[]; registers: Registry[] }) {
    this.name = options.name
    this.help = options.help
    this.#labelNames = options.labelNames
    for (const r of options.registers) r.registerMetric(this as never)
  }

  /** Adds one to the label set of `values`, in `labelNames` order. */
  inc(...values: string[]): void {
    this.entry(...values).value++
  }

  /**
   * The count of one label set (created at 0), for a caller that keeps it:
   * adding to it later costs no lookup at all.
   */
  entry(...values: string[]): { value: number } {
    let level = this.#root
    const last = values.length - 1
    for (let i = 0; i < last; i++) {
      let next = level.get(values[i]!) as Map<string, unknown> | undefined
      if (next === undefined) level.set(values[i]!, (next = new Map()))
      level = next
    }
    const leaf = values[last] ?? '' // a counter without labels has one count
    let count = level.get(leaf) as Count<L> | undefined
    if (count === undefined) level.set(leaf, (count = this.#add(values)))
    return count
  }

  async get(): Promise<Rendered> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.#counts.map((e) => ({ labels: e.labels, value: e.value })) }
  }

  /** Zeroes every count; the label sets stay, as callers may hold their entries. */
  reset(): void {
    for (const count of this.#counts) count.value = 0
  }

  #add(values: readonly string[]): Count<L> {
    const count: Count<L> = { labels: Object.fromEntries(this.#labelNames.map((n, i) => [n, values[i]!])) as Record<L, string>, value: 0 }
    this.#counts.push(count)
    return count
  }
}

/** A histogram by one label: per label value, bucket counts in a Float64Array. */
export class FastHistogram<L extends string> {
  readonly name: string
  readonly help: string
  readonly type = 'histogram' as const
  readonly aggregator = 'sum' as const
  readonly #label: L
  readonly #buckets: readonly number[]
  readonly #series = new Map<string, { counts: Float64Array; sum: number; count: number }>()

  constructor(options: { name: string; help: string; label: L; buckets: readonly number[]; registers: Registry[] }) {
    this.name = options.name
    this.help = options.help
    this.#label = options.label
    this.#buckets = options.buckets
    for (const r of options.registers) r.registerMetric(this as never)
  }

  /** Observes into the series of one label value, found once: for a caller that observes it again and again. */
  observer(labelValue: string): (value: number) => void {
    let s = this.#series.get(labelValue)
    if (s === undefined) this.#series.set(labelValue, (s = { counts: new Float64Array(this.#buckets.length), sum: 0, count: 0 }))
    const series = s
    return (value) => this.#add(series, value)
  }

  #add(s: { counts: Float64Array; sum: number; count: number }, value: number): void {
    const buckets = this.#buckets
    let i = 0
    while (i < buckets.length && value > buckets[i]!) i++
    if (i < buckets.length) s.counts[i]!++
    s.sum += value
    s.count++
  }

  async get(): Promise<Rendered> {
    const values: Rendered['values'] = []
    for (const [labelValue, s] of this.#series) {
      let cumulative = 0
      this.#buckets.forEach((le, i) => {
        cumulative += s.counts[i]!
        values.push({ metricName: `${this.name}_bucket`, labels: { le, [this.#label]: labelValue }, value: cumulative })
      })
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', [this.#label]: labelValue }, value: s.count })
      values.push({ metricName: `${this.name}_sum`, labels: { [this.#label]: labelValue }, value: s.sum })
      values.push({ metricName: `${this.name}_count`, labels: { [this.#label]: labelValue }, value: s.count })
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  /** Zeroes every series; they stay, as callers may hold their observers. */
  reset(): void {
    for (const s of this.#series.values()) {
      s.counts.fill(0)
      s.sum = 0
      s.count = 0
    }
  }
}
