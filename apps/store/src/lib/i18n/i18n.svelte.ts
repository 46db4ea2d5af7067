import { getContext, setContext } from "svelte";
import { localeCookie, type Locale } from "./locales";
import { translate, type MessageArgs, type MessageKey } from "./messages";

const oneYearSeconds = 60 * 60 * 24 * 365;

/**
 * The UI language of one page tree. It lives in component context rather than in a module so
 * that concurrent server renders for shoppers with different languages never share it.
 */
export class I18n {
  locale = $state<Locale>("en");

  constructor(locale: Locale) {
    this.locale = locale;
  }

  t = <K extends MessageKey>(key: K, ...args: MessageArgs<K>): string => translate(this.locale, key, ...args);

  /** Switches the language at once and remembers it for the next server render. */
  setLocale(locale: Locale) {
    this.locale = locale;
    document.cookie = `${localeCookie}=${locale}; path=/; max-age=${oneYearSeconds}; samesite=lax`;
    document.documentElement.lang = locale;
  }
}

const key = Symbol("i18n");

export function setI18n(i18n: I18n): I18n {
  return setContext(key, i18n);
}

export function getI18n(): I18n {
  const i18n = getContext<I18n | undefined>(key);
  if (!i18n) throw new Error("getI18n() was called outside the root layout, which provides the I18n context");
  return i18n;
}
