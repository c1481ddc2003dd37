/** One owner's job ids, oldest first; removed ids stay until they are half the list. */
interface IdList {
  ids: string[]
  dead: number
}

interface OwnerLists {
  readonly all: IdList
  readonly byAction: Map<string, IdList>
}

/**
 * Job ids per owner (a principal's `sub`, or null for anonymous jobs), in
 * submission order, overall and per action: `GET /jobs` reads the newest
 * of one owner's ids and never walks other owners' jobs or copies the
 * store. Removal is lazy: a removed id is skipped on read, and a list is
 * rebuilt once half of it is removed ids, so memory tracks live jobs.
 *
 * @example
 * ```ts
 * const index = new OwnerIndex((id) => jobs.has(id))
 * index.add('alice', 'resize', 'job-1')
 * [...index.newest('alice')] // ['job-1']
 * ```
 */
export class OwnerIndex {
  readonly #owners = new Map<string | null, OwnerLists>()
  readonly #isLive: (id: string) => boolean

  constructor(isLive: (id: string) => boolean) {
    this.#isLive = isLive
  }

  add(owner: string | null, action: string, id: string): void {
    let lists = this.#owners.get(owner)
    if (!lists) this.#owners.set(owner, (lists = { all: { ids: [], dead: 0 }, byAction: new Map() }))
    let ofAction = lists.byAction.get(action)
    if (!ofAction) lists.byAction.set(action, (ofAction = { ids: [], dead: 0 }))
    lists.all.ids.push(id)
    ofAction.ids.push(id)
  }

  /** Call after the job is gone (so `isLive` says false for it). */
  remove(owner: string | null, action: string): void {
    const lists = this.#owners.get(owner)
    if (!lists) return
    this.#forget(lists.all)
    const ofAction = lists.byAction.get(action)
    if (ofAction && this.#forget(ofAction) === 0) lists.byAction.delete(action)
    if (lists.all.ids.length === 0) this.#owners.delete(owner)
  }

  /** The owner's ids (of one action, if given), newest first; may include removed ids not yet swept. */
  *newest(owner: string | null, action?: string): Generator<string> {
    const lists = this.#owners.get(owner)
    const list = action === undefined ? lists?.all : lists?.byAction.get(action)
    if (!list) return
    for (let i = list.ids.length - 1; i >= 0; i--) yield list.ids[i]!
  }

  /** Counts a removal; rebuilds the list once it is half removed ids. Returns the ids left. */
  #forget(list: IdList): number {
    if (++list.dead * 2 > list.ids.length) {
      list.ids = list.ids.filter(this.#isLive)
      list.dead = 0
    }
    return list.ids.length
  }
}
