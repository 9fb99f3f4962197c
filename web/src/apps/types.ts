import type { RouteObject } from 'react-router';

/** What a product gives the web app: its name, its entries in the navigation and its pages (signed in). */
export interface WebApp {
  name: string;
  title: string;
  tagline: string;
  nav: Array<{ to: string; label: string }>;
  /** Paths under /<name>/ (the seed's own paths where they do not collide), drawn inside the shell. */
  routes: RouteObject[];
  /** Pages drawn without the shell and without a session (a station login, a guest page). */
  publicRoutes?: RouteObject[];
}
