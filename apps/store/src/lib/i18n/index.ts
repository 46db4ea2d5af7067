export { I18n, getI18n, setI18n } from "./i18n.svelte";
export { defaultLocale, isLocale, localeCookie, locales, negotiateLocale, type Locale } from "./locales";
export { translate, type MessageKey } from "./messages";
