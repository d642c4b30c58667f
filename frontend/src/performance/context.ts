import { createContext, useContext } from "react";
import type { Store } from "../store";
import type { PerfState } from "./perfStore";

export const PerfContext = createContext<Store<PerfState> | null>(null);

export function usePerfStore(): Store<PerfState> {
  const store = useContext(PerfContext);
  if (!store) throw new Error("usePerfStore outside PerfContext");
  return store;
}
