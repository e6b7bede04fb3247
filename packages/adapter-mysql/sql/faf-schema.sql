-- Test schema: the FAF tables that the replay server reads or writes, plus every table that
-- ../shared/fixtures/faf-test-data.sql inserts into, in the shapes of ../shared/docs/faf-db-schema.md.
-- Deviation from production: map_version.filename is a plain column here (V144 made it virtual,
-- but the test data inserts it directly), and folder_name is nullable for the same reason.
-- Loaded by createTestDatabase() into a fresh scratch database with time_zone '+00:00'.

CREATE TABLE login (
  id          MEDIUMINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  login       VARCHAR(20)  NOT NULL UNIQUE,
  password    CHAR(77)     NOT NULL,
  email       VARCHAR(254) NOT NULL UNIQUE,
  ip          VARCHAR(45)  NULL,
  steamid     BIGINT UNSIGNED NULL UNIQUE,
  gog_id      VARCHAR(100) NULL UNIQUE,
  avatar_id   MEDIUMINT UNSIGNED NULL,
  user_agent  VARCHAR(50) NULL,
  last_login  TIMESTAMP NULL,
  create_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  update_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE license (
  id              INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name            VARCHAR(100) NOT NULL UNIQUE,
  short_name      VARCHAR(25)  NOT NULL UNIQUE,
  url             VARCHAR(255) NULL,
  license_text    TEXT NULL,
  active          TINYINT(1) NOT NULL DEFAULT 1,
  revocable       TINYINT(1) NOT NULL,
  redistributable TINYINT(1) NOT NULL,
  modifiable      TINYINT(1) NOT NULL,
  create_time     TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  update_time     TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE game_featuredMods (
  id                 TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  gamemod            VARCHAR(50) NULL UNIQUE,
  description        MEDIUMTEXT  NOT NULL,
  name               VARCHAR(255) NOT NULL,
  publish            TINYINT(1) NOT NULL DEFAULT 0,
  `order`            SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  git_url            VARCHAR(255) NULL,
  git_branch         VARCHAR(255) NULL,
  file_extension     VARCHAR(3) NULL,
  allow_override     TINYINT(1) NULL,
  deployment_webhook MEDIUMTEXT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE game_validity (
  id      TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  message VARCHAR(100) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE map (
  id                   MEDIUMINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  display_name         VARCHAR(100) NOT NULL UNIQUE,
  map_type             VARCHAR(15) NOT NULL,
  battle_type          VARCHAR(15) NOT NULL,
  author               MEDIUMINT UNSIGNED NULL,
  average_review_score DOUBLE NOT NULL DEFAULT 0,
  reviews              INT NOT NULL DEFAULT 0,
  times_played         INT UNSIGNED NOT NULL DEFAULT 0,
  license              INT NULL,
  create_time          TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  update_time          TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT map_author_fk FOREIGN KEY (author) REFERENCES login (id) ON DELETE CASCADE,
  CONSTRAINT map_license_fk FOREIGN KEY (license) REFERENCES license (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE map_version (
  id                   MEDIUMINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  description          LONGTEXT NULL,
  max_players          DECIMAL(2,0) NOT NULL,
  width                DECIMAL(4,0) NOT NULL,
  height               DECIMAL(4,0) NOT NULL,
  version              DECIMAL(4,0) NOT NULL,
  folder_name          VARCHAR(200) NULL UNIQUE,
  ranked               TINYINT(1) NOT NULL DEFAULT 1,
  hidden               TINYINT(1) NOT NULL DEFAULT 0,
  map_id               MEDIUMINT UNSIGNED NOT NULL,
  average_review_score DOUBLE NOT NULL DEFAULT 0,
  reviews              INT NOT NULL DEFAULT 0,
  times_played         INT UNSIGNED NOT NULL DEFAULT 0,
  create_time          TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  update_time          TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  filename             VARCHAR(200) NULL UNIQUE,
  UNIQUE KEY map_id_version (map_id, version),
  CONSTRAINT map_version_map_fk FOREIGN KEY (map_id) REFERENCES map (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE game_stats (
  id               INT UNSIGNED NOT NULL PRIMARY KEY,
  startTime        TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  endTime          TIMESTAMP NULL,
  replay_ticks     INT UNSIGNED NULL COMMENT 'total ticks in replay; SCFA = 10 ticks/s',
  gameType         ENUM('DEMORALIZATION','DOMINATION','ERADICATION','SANDBOX','DECAPITATION') NOT NULL,
  gameMod          TINYINT UNSIGNED NOT NULL,
  host             MEDIUMINT UNSIGNED NOT NULL,
  mapId            MEDIUMINT UNSIGNED NULL,
  gameName         VARCHAR(128) NOT NULL,
  validity         TINYINT UNSIGNED NOT NULL,
  replay_available TINYINT(1) NOT NULL DEFAULT 0 COMMENT 'replay server sets true once replay is on disk',
  KEY (startTime), KEY (endTime), KEY (gameMod), KEY (gameName), KEY (gameType), KEY (mapId),
  KEY (validity), KEY (host), KEY validity_gameMod_endTime (validity, gameMod, endTime),
  CONSTRAINT game_stats_mod_fk FOREIGN KEY (gameMod) REFERENCES game_featuredMods (id),
  CONSTRAINT game_stats_host_fk FOREIGN KEY (host) REFERENCES login (id),
  CONSTRAINT game_stats_map_fk FOREIGN KEY (mapId) REFERENCES map_version (id),
  CONSTRAINT game_stats_validity_fk FOREIGN KEY (validity) REFERENCES game_validity (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE game_player_stats (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  gameId          INT UNSIGNED NOT NULL,
  playerId        MEDIUMINT UNSIGNED NOT NULL,
  AI              TINYINT(1) NOT NULL,
  faction         TINYINT UNSIGNED NOT NULL,
  color           TINYINT NOT NULL,
  team            TINYINT NOT NULL,
  place           TINYINT UNSIGNED NOT NULL,
  mean            FLOAT NOT NULL,
  deviation       FLOAT UNSIGNED NOT NULL,
  after_mean      FLOAT NULL,
  after_deviation FLOAT UNSIGNED NULL,
  score           TINYINT NULL,
  scoreTime       TIMESTAMP NULL,
  result          ENUM('VICTORY','DEFEAT','DRAW','MUTUAL_DRAW','UNKNOWN','CONFLICTING') DEFAULT 'UNKNOWN',
  KEY (playerId), KEY gameIdIdx (gameId), KEY (AI), KEY (faction), KEY (scoreTime),
  CONSTRAINT game_player_stats_game_fk FOREIGN KEY (gameId) REFERENCES game_stats (id),
  CONSTRAINT game_player_stats_player_fk FOREIGN KEY (playerId) REFERENCES login (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Featured-mod file versions: one pair of tables per mod, latin1, no ladder1v1 pair. labwars has
-- its (empty) pair as in production; the test mod "blarlargwars" deliberately has none.
CREATE TABLE updates_faf (
  id       SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT,
  filename VARCHAR(45) NOT NULL,
  path     VARCHAR(45) NOT NULL,
  UNIQUE KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=latin1;

CREATE TABLE updates_faf_files (
  id       INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  fileId   SMALLINT UNSIGNED NOT NULL,
  version  INT NOT NULL,
  name     VARCHAR(45) NOT NULL,
  md5      VARCHAR(45) NOT NULL,
  obselete TINYINT(1) NOT NULL DEFAULT 0,
  KEY (fileId)
) ENGINE=InnoDB DEFAULT CHARSET=latin1;

CREATE TABLE updates_murderparty LIKE updates_faf;
CREATE TABLE updates_murderparty_files LIKE updates_faf_files;
CREATE TABLE updates_labwars LIKE updates_faf;
CREATE TABLE updates_labwars_files LIKE updates_faf_files;
