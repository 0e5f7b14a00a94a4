// Names for codes from the reference data, loaded once: a category's, a type's, a priority's, a cause's, a unit's.
import { ref, type Ref } from "vue";
import { codeOptions, loadCatalog, loadCauses, loadUnits } from "./reference";

const categories = ref<Map<string, string>>(new Map());
const types = ref<Map<string, string>>(new Map());
const priorities = ref<Map<string, string>>(new Map());
const causes = ref<Map<string, string>>(new Map());
const units = ref<Map<string, string>>(new Map());

let started = false;

function start(): void {
  if (started) return;
  started = true;
  loadCatalog()
    .then((catalog) => {
      categories.value = new Map(codeOptions(catalog.categories));
      types.value = new Map(catalog.types.map((type) => [type.code, type.name_zh]));
      priorities.value = new Map(catalog.priorities.map((priority) => [priority.code, priority.name_zh]));
    })
    .catch(() => (started = false));
  loadCauses()
    .then((tree) => (causes.value = new Map(codeOptions(tree))))
    .catch(() => undefined);
  // The unit list may not be readable (or not there yet): ids are shown then.
  loadUnits()
    .then((list) => (units.value = new Map(list.map((unit) => [unit.id, unit.name_zh]))))
    .catch(() => undefined);
}

/** The name of a code once the reference data is in (the code itself until then, or when it has none). */
function namer(names: Ref<Map<string, string>>): (code: string | null | undefined) => string {
  return (code) => {
    start();
    if (!code) return "—";
    return names.value.get(code) ?? code;
  };
}

export const categoryName = namer(categories);
export const unitName = namer(units);
export const typeName = namer(types);
export const priorityName = namer(priorities);
export const causeName = namer(causes);
