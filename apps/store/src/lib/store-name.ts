import type { Locale } from "$lib/i18n";

// A store's name is one text, often written in both languages: "Daily Harvest Jing'an 日日丰静安店".
const latinThenHan = /^(\P{Script=Han}*\S)\s+(\p{Script=Han}.*)$/u;
const hanThenLatin = /^(\p{Script=Han}.*?)\s+(\P{Script=Han}*)$/u;

/**
 * The store's name in the shopper's language: a name written in English and Chinese, one after
 * the other, shows the part in that language; any other name shows whole.
 */
export function localizedStoreName(name: string, locale: Locale): string {
  const text = name.trim();
  const latinFirst = latinThenHan.exec(text);
  const hanFirst = latinFirst ? null : hanThenLatin.exec(text);
  const parts = latinFirst
    ? { en: latinFirst[1], zh: latinFirst[2] }
    : hanFirst && /\p{L}/u.test(hanFirst[2] ?? "")
      ? { en: hanFirst[2], zh: hanFirst[1] }
      : null;
  if (!parts?.en || !parts.zh) return text;
  return (locale === "zh-CN" ? parts.zh : parts.en).trim();
}
