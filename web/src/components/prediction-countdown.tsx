import { useEffect, useState } from "react";
import { fullTime } from "../lib/format.ts";
import { timeLeft } from "../lib/prediction.ts";

/** The time left to a market's end, ticking every second (only this text re-renders). */
export function PredictionCountdown({ endDate }: { endDate: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = timeLeft(endDate, now);
  return (
    <time dateTime={endDate} title={`Ends ${fullTime(endDate)}`} className="pm-countdown" aria-label={left === "ended" ? "Ended" : `Ends in ${left}`}>
      {left === "ended" ? "ended" : `ends in ${left}`}
    </time>
  );
}
