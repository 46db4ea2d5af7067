/** Props of a component that exposes its root element through `bind:ref` (shadcn-svelte style). */
export type WithElementRef<Props, Element extends HTMLElement = HTMLElement> = Props & {
  ref?: Element | null;
};
