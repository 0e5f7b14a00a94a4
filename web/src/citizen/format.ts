// Times as the person reads them: in the hotline's zone, whatever the phone's own zone, in the page's language.
import { language } from "./i18n";

/** The zone of the hotline's working calendar: deadlines are set in it. The customer view gives times in UTC only. */
export const ZONE = "Asia/Shanghai";

export function dateTime(iso: string): string {
  return new Intl.DateTimeFormat(language(), {
    timeZone: ZONE,
    year: "numeric",
    month: "long",
    day: "numeric",
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(iso));
}

export function date(iso: string): string {
  return new Intl.DateTimeFormat(language(), { timeZone: ZONE, year: "numeric", month: "long", day: "numeric" }).format(
    new Date(iso),
  );
}

export interface Piece {
  text: string;
  marked: boolean;
}

/** The FAQ's snippet (HTML: text escaped, matches in <mark>) as plain pieces, so no markup from the API is rendered. */
export function snippetPieces(html: string): Piece[] {
  const unescape = (text: string) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return html
    .split(/(<mark>.*?<\/mark>)/s)
    .filter((part) => part !== "")
    .map((part) =>
      part.startsWith("<mark>")
        ? { text: unescape(part.slice(6, -7)), marked: true }
        : { text: unescape(part), marked: false },
    );
}
