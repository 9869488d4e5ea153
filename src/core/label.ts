/** A process label: what one labeler (an LLM judge, the environment, …) says of one episode's strategist turns. */
export interface Label {
  labeler: string;
  /** Per strategist turn (in turn order): the raw process reward r_t. */
  rewards: number[];
  /** Turn indexes the labeler marked as critical, when it works that way. */
  critical?: number[];
  reasoning?: string;
  [key: string]: unknown;
}
