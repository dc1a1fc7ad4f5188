// Minimal declarations of the few host globals the engine may use.
// Only type-checked by tsconfig.engine.json (lib ES2022, no DOM, no @types/node);
// tsconfig.json excludes this file because DOM already declares these.
// TextEncoder/TextDecoder exist in every browser and in Node >= 11.

declare class TextEncoder {
  constructor();
  readonly encoding: string;
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  readonly encoding: string;
  decode(input?: Uint8Array): string;
}
