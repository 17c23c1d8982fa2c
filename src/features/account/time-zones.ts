// The time zones the account page offers: every zone the runtime knows, under its current name,
// grouped by region, each with its offset from UTC as it stands today.
//
// The runtime's list (ICU's) keeps names the IANA database has since replaced: Asia/Calcutta for
// Asia/Kolkata, Europe/Kiev for Europe/Kyiv. A person looks for the name their country uses, so the
// list shows the current one; a zone saved under an old name still works everywhere (Intl accepts
// both) and selects its current name here.
import { escapeHtml, type Locale, translator } from '../../core/index.ts';

/** ICU's name → the IANA database's current one, for every zone where the two differ. */
export const CURRENT_ZONE_NAMES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** A zone's current name: what the list offers for a zone saved under an older one. */
const currentZoneName = (zone: string): string => CURRENT_ZONE_NAMES[zone] ?? zone;

/** The regions in the order the list shows them; UTC itself comes last, on its own. */
const REGIONS = ['Africa', 'America', 'Antarctica', 'Arctic', 'Asia', 'Atlantic', 'Australia', 'Europe', 'Indian', 'Pacific'] as const;

const ZONES: readonly string[] = (() => {
  let known: string[];
  try {
    known = (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    known = [];
  }
  return [...new Set(known.map(currentZoneName))];
})();

/** "America/Argentina/Buenos_Aires" → "Buenos Aires (Argentina)": the city first, as people look for it. */
function placeName(zone: string): string {
  const [, ...rest] = zone.split('/');
  const city = rest.pop()!.replaceAll('_', ' ');
  return rest.length ? `${city} (${rest.join(', ').replaceAll('_', ' ')})` : city;
}

/** "UTC+05:30", "UTC−03:00", "UTC+00:00" for the zone at `at`, and the offset in minutes (to sort by). */
function offsetOf(zone: string, at: Date): { text: string; minutes: number } {
  const part =
    new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')
      ?.value ?? 'GMT';
  const [, sign, hours, minutes] = /^GMT([+-])(\d{2}):(\d{2})$/.exec(part) ?? [];
  const total = sign ? (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) : 0;
  // Zero is written out too ("UTC+00:00" beside "UTC+01:00"), so the list reads in one pattern.
  return { text: sign ? part.replace(/^GMT/, 'UTC').replace('-', '\u2212') : 'UTC+00:00', minutes: total };
}

interface ZoneOption {
  value: string;
  label: string;
}

/** The options per region for one hour: offsets move at daylight-saving changes, never within an hour. */
const byHour = new Map<string, Array<{ region: string; options: ZoneOption[] }>>();

function groupedZones(at: Date) {
  const hour = at.toISOString().slice(0, 13);
  let groups = byHour.get(hour);
  if (!groups) {
    groups = REGIONS.map((region) => ({
      region,
      // The offset first, as most lists of zones show it, and in its order: west to east, then by place.
      options: ZONES.filter((zone) => zone.startsWith(`${region}/`))
        .map((zone) => ({ zone, place: placeName(zone), offset: offsetOf(zone, at) }))
        .sort((a, b) => a.offset.minutes - b.offset.minutes || a.place.localeCompare(b.place, 'en'))
        .map(({ zone, place, offset }) => ({ value: zone, label: `(${offset.text}) ${place}` })),
    })).filter((group) => group.options.length > 0);
    groups.push({ region: 'Other', options: [{ value: 'UTC', label: 'UTC' }] });
    byHour.clear();
    byHour.set(hour, groups);
  }
  return groups;
}

/** The escaped <optgroup> markup per language and hour, built once for each. */
const markup = new Map<string, string>();

/**
 * The time zone options as escaped markup, the chosen zone (under its current name) selected.
 * Building the ~430 options is the account page's largest piece of work, so the markup is kept per
 * language and hour and only the chosen option is marked per request.
 */
export function timeZoneOptionsHtml(locale: Locale, selected: string, at: Date): string {
  const key = `${locale}|${at.toISOString().slice(0, 13)}`;
  let html = markup.get(key);
  if (html === undefined) {
    const t = translator(locale);
    html = groupedZones(at)
      .map(
        ({ region, options }) =>
          `<optgroup label="${escapeHtml(t(`account:preferences.regions.${region}`))}">${options
            .map((option) => `<option value="${escapeHtml(option.value)}">${escapeHtml(option.label)}</option>`)
            .join('')}</optgroup>`,
      )
      .join('');
    if (markup.size > 16) markup.clear();
    markup.set(key, html);
  }
  if (!selected) return html;
  const value = escapeHtml(currentZoneName(selected));
  return html.replace(`<option value="${value}">`, `<option value="${value}" selected>`);
}
