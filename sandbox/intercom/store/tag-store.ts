/** Workspace tags; names are unique case-insensitively (intercom-api.md §1.4). */
export interface Tag {
  id: string;
  name: string;
}

export class TagStore {
  private tags = new Map<string, Tag>();
  private nextId = 8_000_001;

  list(): Tag[] {
    return [...this.tags.values()];
  }

  get(id: string): Tag | undefined {
    return this.tags.get(id);
  }

  findByName(name: string): Tag | undefined {
    const lower = name.toLowerCase();
    return this.list().find((tag) => tag.name.toLowerCase() === lower);
  }

  /** Create-or-find by name; `created` says whether it is new. */
  upsert(name: string): { tag: Tag; created: boolean } {
    const existing = this.findByName(name);
    if (existing) return { tag: existing, created: false };
    const tag = { id: String(this.nextId++), name };
    this.tags.set(tag.id, tag);
    return { tag, created: true };
  }

  rename(id: string, name: string): Tag | undefined {
    const tag = this.tags.get(id);
    if (tag) tag.name = name;
    return tag;
  }
}
