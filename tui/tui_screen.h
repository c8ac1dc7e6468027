/*
 * The operator dashboard: ncurses on its own thread and libev loop.  It
 * reads only what the engine publishes (its own ring reader, quotes
 * through the seqlock, the engine's snapshot and stage histograms) and
 * never computes an opportunity.  Redraws every 100 ms with one
 * doupdate(); keys are read as they come.
 *
 * Panes: opportunities (always), and below it one of recently closed,
 * venues, latency, quotes and executor (keys 2-6; 1 gives the
 * opportunities the whole screen).  Keys: q quit, ? help, arrows or j/k
 * select, Enter details, s sort, / filter, p pause the display, K kill
 * switch.
 */
#ifndef XARB_TUI_SCREEN_H
#define XARB_TUI_SCREEN_H

struct config;
struct engine;
struct tui;

/*
 * Registers the dashboard's ring reader on e (so it sees every event
 * from here on).  Nothing is drawn yet.  Returns NULL with *cause set.
 */
struct tui *tui_new(struct engine *e, const struct config *cfg, char **cause);

/*
 * Takes the terminal (curses) and starts the thread.  From here until
 * tui_free() the terminal is the dashboard's: nothing else may write to
 * it.  q asks the engine to stop as SIGTERM does.  Returns 0, or -1
 * with *cause set (and the terminal as it was).
 */
int tui_start(struct tui *t, char **cause);

/* Stops the thread and gives the terminal back.  NULL is a no-op. */
void tui_free(struct tui *t);

#endif /* XARB_TUI_SCREEN_H */
