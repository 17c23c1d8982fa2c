// A location's phone as Alga PSA stores it. Alga's updateClientLocation (clientLocationActions.ts
// applyLocationStructuralSchema) passes a changed phone through normalizePhone
// (packages/validation/src/lib/phone.ts) with the location's country as the default region, and
// stores its international form, E.164 ("+493012345678" for "030 1234 5678" in Germany, or for
// "+49 (0)30 1234 5678"); an extension typed after the number ("ext. 12", "x 12", "e 12") goes to
// phone_extension. Alga parses with libphonenumber-js, which the portal does not depend on: what
// a company types into its own phone needs only each country's calling code and national (trunk)
// prefix, the one a number dialled at home starts with (the tables below, from the library's
// metadata). What the library decides with its per-country lengths and rarer prefixes is kept as
// typed instead: a number no plan's length allows (Alga refuses it), a North American one of other
// than ten digits, a carrier-selection code or a mobile marker. So the portal never writes a wrong
// number; at worst one Alga would have written in its international form. Compared with Alga's own
// normalizePhone on every country's example number, written nationally and internationally.

/** Each calling code and its countries (libphonenumber-js 1.13 metadata, the version Alga installs). */
const CALLING_CODES =
  '1:AG,AI,AS,BB,BM,BS,CA,DM,DO,GD,GU,JM,KN,KY,LC,MP,MS,PR,SX,TC,TT,US,VC,VG,VI 7:KZ,RU 20:EG 27:ZA 30:GR 31:NL 32:BE 33:FR 34:ES 36:HU 39:IT,VA 40:RO 41:CH 43:AT 44:GB,GG,IM,JE 45:DK 46:SE 47:NO,SJ 48:PL 49:DE 51:PE 52:MX 53:CU 54:AR 55:BR 56:CL 57:CO 58:VE 60:MY 61:AU,CC,CX 62:ID 63:PH 64:NZ 65:SG 66:TH 81:JP 82:KR 84:VN 86:CN 90:TR 91:IN 92:PK 93:AF 94:LK 95:MM 98:IR 211:SS 212:EH,MA 213:DZ 216:TN 218:LY 220:GM 221:SN 222:MR 223:ML 224:GN 225:CI 226:BF 227:NE 228:TG 229:BJ 230:MU 231:LR 232:SL 233:GH 234:NG 235:TD 236:CF 237:CM 238:CV 239:ST 240:GQ 241:GA 242:CG 243:CD 244:AO 245:GW 246:IO 247:AC 248:SC 249:SD 250:RW 251:ET 252:SO 253:DJ 254:KE 255:TZ 256:UG 257:BI 258:MZ 260:ZM 261:MG 262:RE,YT 263:ZW 264:NA 265:MW 266:LS 267:BW 268:SZ 269:KM 290:SH,TA 291:ER 297:AW 298:FO 299:GL 350:GI 351:PT 352:LU 353:IE 354:IS 355:AL 356:MT 357:CY 358:AX,FI 359:BG 370:LT 371:LV 372:EE 373:MD 374:AM 375:BY 376:AD 377:MC 378:SM 380:UA 381:RS 382:ME 383:XK 385:HR 386:SI 387:BA 389:MK 420:CZ 421:SK 423:LI 500:FK 501:BZ 502:GT 503:SV 504:HN 505:NI 506:CR 507:PA 508:PM 509:HT 590:BL,GP,MF 591:BO 592:GY 593:EC 594:GF 595:PY 596:MQ 597:SR 598:UY 599:BQ,CW 670:TL 672:NF 673:BN 674:NR 675:PG 676:TO 677:SB 678:VU 679:FJ 680:PW 681:WF 682:CK 683:NU 685:WS 686:KI 687:NC 688:TV 689:PF 690:TK 691:FM 692:MH 850:KP 852:HK 853:MO 855:KH 856:LA 880:BD 886:TW 960:MV 961:LB 962:JO 963:SY 964:IQ 965:KW 966:SA 967:YE 968:OM 970:PS 971:AE 972:IL 973:BH 974:QA 975:BT 976:MN 977:NP 992:TJ 993:TM 994:AZ 995:GE 996:KG 998:UZ';
/** Countries whose national prefix is 0 (the same metadata). */
const TRUNK_0 =
  'AE AF AL AM AR AT AU AX AZ BA BD BE BG BL BO BR CC CD CH CN CO CU CX DE DZ EC EG EH ER ET FI FR GB GE GF GG GH GP HR ID IE IL IM IN IQ IR JE JO JP KE KG KH KI KP KR LA LB LI LK LR LT LY MA MC MD ME MF MG MK MM MN MQ MW MY NA NG NL NP NZ PE PH PK PM PS PY RE RO RS RW SA SD SE SI SK SL SO SS SY TH TR TW TZ UA UG UY VE VN XK YE YT ZA ZM ZW';
/** Other national prefixes (the North American plan's 1 is handled on its own). Every other country has none. */
const TRUNK_OTHER: Record<string, string> = { KZ: '8', RU: '8', TM: '8', HU: '06', MH: '1' };
/**
 * National numbers Alga's library reads with a rule beyond dropping the prefix (a carrier-selection
 * code, a mobile marker, an area code it inserts): kept as typed rather than guessed.
 */
const KEEP_NATIONAL: Record<string, RegExp> = {
  AR: /^/,
  BY: /^/,
  GA: /^/,
  GG: /^/,
  IM: /^/,
  JE: /^/,
  GB: /^180020/,
  AU: /^183[12]/,
  CN: /^1(?:[12]\d|79)\d\d/,
  LI: /^1001/,
  LT: /^8/,
  LU: /^15(?:0[06]|1[12]|[35]5|4[04]|6[26]|77|88|99)/,
  CR: /^19(?:0[0-2468]|1[09]|20|66|77|99)/,
  FO: /^10(?:01|[12]0|88)/,
  KR: /^08(?:[1-46-8]|5\d\d)/,
  BO: /^01\d/,
  CO: /^0(?:[3579]|4(?:[14]4|56))/,
  BR: /^(?:0|90)(?:1[245]|2[1-35]|31|4[13]|[56]5|99)\d{10,11}$/,
  MG: /^[24-9]\d{6}$/,
  CC: /^[59]\d{7}$/,
  CX: /^[59]\d{7}$/,
  NF: /^[0-258]\d{4}$/,
  SM: /^[89]\d{5}$/,
};
/** Where 00 does not dial abroad (its international prefix is another): "00..." is kept as typed. */
const NOT_00 =
  'AG AI AS AU BB BM BR BS BY CA CC CO CU CV CX DM DO GD GU GY ID JM JP KE KH KN KR KY KZ LC MH MN MP MS NG PR PW RU SG SX TC TH TJ TM TT TW TZ UG US VC VG VI WS';

const inList = (list: string, code: string) => ` ${list} `.includes(` ${code} `);

const CODE_OF = new Map<string, string>();
const COUNTRIES_OF = new Map<string, string[]>();
for (const entry of CALLING_CODES.split(' ')) {
  const [code, countries] = entry.split(':') as [string, string];
  COUNTRIES_OF.set(code, countries.split(','));
  for (const country of countries.split(',')) CODE_OF.set(country, code);
}

function trunkPrefix(country: string): string {
  return inList(TRUNK_0, country) ? '0' : (TRUNK_OTHER[country] ?? '');
}

/** Alga's packed-extension suffixes (phone.ts PACKED_EXTENSION_PATTERNS). */
const PACKED_EXTENSION = [
  /[\s,;]+ext(?:ension)?\.?\s*[:#]?\s*(\d{1,10})\s*$/i,
  /[\s,;]+x\.?\s*[:#]?\s*(\d{1,10})\s*$/i,
  /[\s,;]+e\.?\s*[:#]?\s*(\d{1,10})\s*$/i,
];

/** Digits with the usual separators; "(0)" is the national prefix written inside an international number. */
const PHONE_SHAPED = /^\+?[\d\s\-().]+$/;

interface AlgaPhone {
  /** What Alga stores in client_locations.phone. */
  phone: string;
  /** What it stores in phone_extension, where the number carried one; null leaves the column as it is. */
  extension: string | null;
}

/** "+" and the digits, where the national part has a length some plan allows. */
function e164(callingCode: string, national: string): string | null {
  return national.length >= 4 && callingCode.length + national.length <= 15 ? `+${callingCode}${national}` : null;
}

/** An international number: its calling code, and the national prefix dropped where "(0)" or a bare 0 keeps it. */
function international(digits: string): string | null {
  const code = [1, 2, 3].map((length) => digits.slice(0, length)).find((prefix) => COUNTRIES_OF.has(prefix));
  if (!code) return null;
  const rest = digits.slice(code.length);
  const zeroTrunk = COUNTRIES_OF.get(code)!.every((country) => trunkPrefix(country) === '0');
  return e164(code, zeroTrunk && rest.startsWith('0') ? rest.slice(1) : rest);
}

function national(digits: string, country: string): string | null {
  if (digits.startsWith('00')) return inList(NOT_00, country) ? null : international(digits.slice(2));
  const callingCode = CODE_OF.get(country);
  if (!callingCode || KEEP_NATIONAL[country]?.test(digits)) return null;
  if (callingCode === '1') {
    const ten = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
    return ten.length === 10 ? `+1${ten}` : null;
  }
  const trunk = trunkPrefix(country);
  return e164(callingCode, trunk && digits.startsWith(trunk) ? digits.slice(trunk.length) : digits);
}

/** A typed phone as Alga's updateClientLocation stores it for a location in `countryCode`. */
export function algaPhone(typed: string, countryCode: string | null): AlgaPhone {
  const raw = typed.trim();
  let number = raw;
  let extension: string | null = null;
  for (const pattern of PACKED_EXTENSION) {
    const match = pattern.exec(raw);
    if (match) {
      number = raw.replace(pattern, '').trim();
      extension = match[1] ?? null;
      break;
    }
  }
  if (!PHONE_SHAPED.test(number)) return { phone: raw, extension: null };
  const digits = number.replace(/\(0\)/g, '').replace(/\D/g, '');
  const normalized = number.startsWith('+') ? international(digits) : countryCode ? national(digits, countryCode.toUpperCase()) : null;
  return normalized ? { phone: normalized, extension } : { phone: raw, extension: null };
}
