/** The shapes WebShop works with, named as the original names them (so goals and products round-trip as JSON). */

export interface Review { title?: string; score?: number | string; body?: string }

/** A product after the original's `load_products` processing (only the fields the environment uses). */
export interface Product {
  asin: string;
  name: string;
  Title: string;
  Description: string;
  BulletPoints: string[];
  Reviews: Review[];
  Rating: string;
  /** Display price, e.g. "$12.99" or "$10.0 to $20.0". */
  Price: string;
  /** One price, or a [low, high] range. */
  pricing: number[];
  /** Option name (lower case) → values (lower case, "/" shown as " | "). */
  options: Record<string, string[]>;
  Attributes: string[];
  category: string;
  query: string;
  product_category: string;
  MainImage?: string;
}

/** A shopping goal, with the original's field names. */
export interface Goal {
  asin: string;
  instruction_text: string;
  attributes: string[];
  /** Synthetic goals: option name → value. Human goals: a list of values. */
  goal_options: Record<string, string> | string[];
  price_upper: number;
  name?: string;
  query?: string;
  category?: string;
  product_category?: string;
}

/** Raw instruction entries as in items_ins_v2*.json and items_human_ins.json. */
export interface AttributeEntry { attributes?: string[]; instruction?: string | null; instruction_attributes?: string[] | null }
export interface HumanInstruction { instruction: string; instruction_attributes: string[]; instruction_options: string[] }
