// Names an import gives: Kubernetes object names from titles and paths, and API Gateway names (models,
// authorizers, validators) from the document's keys, made unique. Pure.
import { createHash } from 'node:crypto';

const MAX_NAME = 63;

/** A DNS-1123 label from free text ("Pet Store v2" -> "pet-store-v2"), '' when nothing is left. */
export function dnsLabel(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Shortened to fit with a hash of the whole, so two long names that share a start stay apart. */
export function fitted(name: string, max = MAX_NAME): string {
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 6);
  return `${name.slice(0, max - 7).replace(/-+$/, '')}-${hash}`;
}

/** The RestPath name for a path of an API: "shop" and "/orders/{orderId}" -> "shop-orders-orderid". */
export function restPathName(api: string, path: string): string {
  const slug = dnsLabel(path.replace(/[{}+]/g, ''));
  return fitted(`${api}-${slug || 'root'}`);
}

/** Hands out names once: a second "a" becomes "a-2" (or "a2" where dashes are not allowed). */
export class UniqueNames {
  private readonly taken = new Set<string>();
  /** `fit` keeps a numbered name within its length limit. */
  constructor(private readonly separator = '-', private readonly fit: (name: string) => string = (n) => n) {}
  claim(wanted: string): string {
    let name = wanted;
    for (let i = 2; this.taken.has(name); i++) name = this.fit(`${wanted}${this.separator}${i}`);
    this.taken.add(name);
    return name;
  }
}

/** An API Gateway model name (letters and digits, up to 128). */
export function modelName(key: string): string {
  return (key.replace(/[^a-zA-Z0-9]/g, '') || 'Model').slice(0, 120);
}

/** An authorizer or validator name (letters, digits, _ and -, up to 128). */
export function gatewayName(key: string): string {
  return (key.replace(/[^a-zA-Z0-9_-]/g, '_') || 'unnamed').slice(0, 120);
}
