/** What a comparison found: an object of the same name that is not what was asked. */
export interface Conflict {
  /** `column public.users.age`, `index users_email_idx`, `constraint orders_total_check`. */
  readonly object: string;
  readonly existing: string;
  readonly requested: string;
  /** What to do: rename, or drop the existing object first. */
  readonly hint: string;
}
