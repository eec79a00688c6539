/** What the router holds: the view on screen, told when the shared data changes. */
export interface View {
  /** The store changed (a poll came back) or the language did. */
  update(): void;
  destroy(): void;
  /** Focus the view's heading (after navigation, for keyboard and screen-reader users). */
  focus(): void;
}
