const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const DAY = 24 * 60 * 60 * 1000;

function startOfDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/**
 * When a conversation was last active, as a list shows it: "Today 14:02", "Yesterday", "12 Nov",
 * or "12 Nov 2025" for another year. Local time; the same words in every locale, like the rest of
 * the app's text.
 */
export function conversationDate(ms: number, now: number = Date.now()): string {
  if (!ms) return "";
  const d = new Date(ms);
  const today = startOfDay(now);
  if (ms >= today) {
    const hh = String(d.getHours()).padStart(2, "0");
    const mm = String(d.getMinutes()).padStart(2, "0");
    return `Today ${hh}:${mm}`;
  }
  // Around a daylight-saving change a day is 23 or 25 hours: compare calendar days, not spans.
  if (startOfDay(ms) === startOfDay(today - DAY / 2)) return "Yesterday";
  const day = `${d.getDate()} ${MONTHS[d.getMonth()]}`;
  return d.getFullYear() === new Date(now).getFullYear() ? day : `${day} ${d.getFullYear()}`;
}
