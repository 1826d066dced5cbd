// The few browser globals that code passed to page.evaluate() uses. The browser tests are
// type-checked with the server's Node settings (they import the server to start it), where the
// DOM library would clash with Node's fetch types, so only these are declared.
interface PageElementStyle {
  color: string;
  borderLeftColor: string;
  backgroundColor: string;
}
interface PageElement {
  style: { color: string };
  remove(): void;
}
declare const document: { createElement(tag: string): PageElement; body: { append(e: PageElement): void } };
declare function getComputedStyle(el: unknown, pseudo?: string): PageElementStyle;
declare const performance: { now(): number; getEntriesByName(name: string): { startTime: number; duration: number }[] };
declare const localStorage: { setItem(k: string, v: string): void; getItem(k: string): string | null };
