// The catalogue the forms offer (GET /v1/catalog, read once per visit), named in the page's language.
import { api } from "../shared/api";
import { language } from "./i18n";
import type { Catalog, Category, Label } from "./types";

let loaded: Promise<Catalog> | undefined;

export function catalog(): Promise<Catalog> {
  loaded ??= api<Catalog>("/v1/catalog").catch((error: unknown) => {
    loaded = undefined; // asked again next time
    throw error;
  });
  return loaded;
}

export function named(label: Label): string {
  return language() === "en" ? label.name : label.name_zh;
}

export interface Choice {
  code: string;
  name: string;
}

export interface Group {
  name: string;
  choices: Choice[];
}

/** The categories allowed for `type` (every one before a type is chosen), a group per branch; a child narrows its
parent's types, never widens them. */
export function categoriesFor(tree: Category[], type: string | null): Group[] {
  const allowed = (node: Category, inherited: string[] | null): string[] | null => {
    const own = node.types?.length ? node.types : null;
    if (own === null) return inherited;
    return inherited === null ? own : inherited.filter((t) => own.includes(t));
  };
  const fits = (types: string[] | null) => type === null || types === null || types.includes(type);
  const groups: Group[] = [];
  const walk = (node: Category, inherited: string[] | null, path: string[]) => {
    const types = allowed(node, inherited);
    const children = node.children ?? [];
    if (children.length === 0) {
      if (!fits(types)) return;
      const group = path.join(" / ");
      const last = groups.at(-1);
      const choice = { code: node.code, name: named(node) };
      if (last && last.name === group) last.choices.push(choice);
      else groups.push({ name: group, choices: [choice] });
      return;
    }
    for (const child of children) walk(child, types, [...path, named(node)]);
  };
  for (const root of tree) walk(root, null, []);
  return groups;
}

/** A category's name with its branch ("城市管理 / 噪音扰民"), or its code when the catalogue does not have it. */
export function categoryName(tree: Category[], code: string): string {
  const find = (nodes: Category[], path: string[]): string | undefined => {
    for (const node of nodes) {
      const here = [...path, named(node)];
      if (node.code === code) return here.join(" / ");
      const below = find(node.children ?? [], here);
      if (below) return below;
    }
    return undefined;
  };
  return find(tree, []) ?? code;
}
