// JSON.parse that refuses duplicate object members: `{"sub":"a","sub":"b"}` means different things to different parsers.
// RFC 8259 section 4 leaves duplicate names undefined; RFC 7519 section 4 says a JWT parser MUST reject them or use the last.

/** Parses `text`; throws DuplicateMemberError naming the first member that occurs twice in one object. */
export function parseStrictJson(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  // JSON.parse already proved the text well-formed; one scan finds repeated names per object.
  const stack: Array<Set<string> | null> = []; // null: an array
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{") {
      stack.push(new Set());
      expectKey = true;
    } else if (c === "}") {
      stack.pop();
      expectKey = false;
    } else if (c === "[") {
      stack.push(null);
      expectKey = false;
    } else if (c === "]") {
      stack.pop();
    } else if (c === ",") {
      expectKey = stack.at(-1) != null;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (expectKey) {
        const name = JSON.parse(text.slice(i, j + 1)) as string;
        const names = stack.at(-1)!;
        if (names.has(name)) throw new DuplicateMemberError(name);
        names.add(name);
        expectKey = false;
      }
      i = j;
    }
  }
  return value;
}

export class DuplicateMemberError extends Error {
  constructor(readonly member: string) {
    super(`member "${member.slice(0, 64)}" appears more than once`);
  }
}
