// zh-CN unless the person chose English on this device; the choice is kept in localStorage and given to the page
// (<html lang>) so screen readers speak the right language.
import { createI18n } from "vue-i18n";
import { messages } from "./messages";

export type Language = keyof typeof messages;
const STORED = "hotline.language";

function stored(): Language {
  try {
    return localStorage.getItem(STORED) === "en" ? "en" : "zh-CN";
  } catch {
    return "zh-CN"; // storage can be off (private mode); Chinese then
  }
}

export const i18n = createI18n({ legacy: false, locale: stored(), fallbackLocale: "zh-CN", messages });

export function language(): Language {
  return i18n.global.locale.value as Language;
}

export function switchLanguage(chosen: Language): void {
  i18n.global.locale.value = chosen;
  document.documentElement.lang = chosen;
  try {
    localStorage.setItem(STORED, chosen);
  } catch {
    // not remembered, still switched
  }
}

document.documentElement.lang = language();
