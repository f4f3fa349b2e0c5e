/**
 * Migration files that hold both directions — goose (`-- +goose Down`), sql-migrate
 * (`-- +migrate Down`), dbmate (`-- migrate:down`) — run only the part above the down marker when
 * migrating: that part is what is linted (the rollback's DROPs are not this deploy's).
 */
const DOWN_MARKER = /^[ \t]*--[ \t]*(?:\+goose[ \t]+down|\+migrate[ \t]+down|migrate:down)\b/im;

/** `text` up to its down marker (positions before it unchanged); all of it when it has none. */
export function upPart(text: string): string {
  const down = DOWN_MARKER.exec(text);
  return down ? text.slice(0, down.index) : text;
}
