// Progressive enhancement of every page: GOV.UK Frontend's components (pages work without it).
import { initAll } from "./govuk-frontend.min.js";

initAll();
