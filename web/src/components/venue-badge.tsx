import { venueLabel, venueTitle, type VenueLike } from "../lib/venue.ts";

/** "paper" or "Lighter #N": where the model's orders go; live venues stand out. */
export function VenueBadge({ venue }: { venue: VenueLike }) {
  return (
    <span className={`badge venue venue-${venue.kind}`} title={venueTitle(venue)} data-testid="venue-badge">
      {venueLabel(venue)}
    </span>
  );
}
